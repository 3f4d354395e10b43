"""Creates the driver's virtual environment at argv[1] with exactly the pinned, hashed packages
of requirements.txt (nothing else is resolved or fetched: --require-hashes --no-deps)."""
import subprocess
import sys
import venv

target = sys.argv[1]
venv.create(target, with_pip=True)
subprocess.run([f"{target}/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--require-hashes", "--no-deps", "-r", "requirements.txt"], check=True)
subprocess.run([f"{target}/bin/python", "-m", "pip", "check"], check=True)
