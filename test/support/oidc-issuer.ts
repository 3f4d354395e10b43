/**
 * A stand-in external OIDC issuer for tests: discovery document and JWKS served over https on
 * 127.0.0.1 with a certificate from a CA made for the test (src/auth/tls-material.ts), and
 * helpers to sign tokens with its keys or with keys it does not publish. `caFile` is what a
 * server process trusts through NODE_EXTRA_CA_CERTS; `fetchJson` trusts it in this process.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, get, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateTls } from "../../src/auth/tls-material.ts";

export interface PublishedKey {
  kid: string;
  key: KeyObject;
  /** The JWK `alg`, when published with one. */
  alg?: string;
}

export class OidcIssuer {
  readonly issuer: string;
  readonly caFile: string;
  readonly keys: PublishedKey[];
  /** Requests served, by path. */
  readonly requests: string[] = [];
  readonly #server: Server;
  readonly #dir: string;
  readonly #ca: Buffer;

  private constructor(server: Server, dir: string, ca: Buffer, keys: PublishedKey[]) {
    this.#server = server;
    this.#dir = dir;
    this.#ca = ca;
    this.keys = keys;
    this.caFile = join(dir, "tls", "ca.pem");
    this.issuer = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  /** Publishes an ES256 key `stub` plus `extra` keys. */
  static async start(extra: PublishedKey[] = []): Promise<OidcIssuer> {
    const dir = await mkdtemp(join(tmpdir(), "dts-oidc-"));
    const tls = await loadOrCreateTls({ dataDir: dir, hostNames: ["127.0.0.1"] });
    const keys = [{ kid: "stub", key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey, alg: "ES256" }, ...extra];
    let self: OidcIssuer | undefined;
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      self?.requests.push(req.url ?? "");
      const body = req.url === "/.well-known/openid-configuration"
        ? { issuer: self?.issuer, jwks_uri: `${self?.issuer}/jwks` }
        : { keys: keys.map((k) => ({ ...createPublicKey(k.key).export({ format: "jwk" }), kid: k.kid, ...(k.alg === undefined ? {} : { alg: k.alg }) })) };
      res.setHeader("content-type", "application/json").end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    self = new OidcIssuer(server, dir, readFileSync(tls.caFile as string), keys);
    return self;
  }

  /** A JWS over `header` and `claims`, signed ECDSA (P-1363) or RSA with `key` and sha256. */
  static sign(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
    const input = `${b64(header)}.${b64(claims)}`;
    const signature = key.asymmetricKeyType === "ec" ? sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }) : sign("sha256", Buffer.from(input), key);
    return `${input}.${signature.toString("base64url")}`;
  }

  /** A token of this issuer signed with its `stub` key. */
  token(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
    return OidcIssuer.sign({ alg: "ES256", kid: "stub", ...header }, { iss: this.issuer, ...claims }, this.keys[0]!.key);
  }

  /** GET of a JSON document trusting this issuer's CA: the TokenService's `fetchJson` in tests. */
  readonly fetchJson = (url: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      get(url, { ca: this.#ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString())) : reject(new Error(`${url} answered ${res.statusCode}`))));
      }).on("error", reject);
    });

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.#dir, { recursive: true, force: true });
  }
}

export function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
