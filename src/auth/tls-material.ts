/**
 * The TLS certificate of the listeners: the files of --tls-cert/--tls-key, or, with auth on and
 * none given, a CA and a server certificate the server makes once in `<data dir>/tls` (made with
 * @peculiar/x509 over WebCrypto; node:crypto alone cannot write X.509). Clients trust `ca.pem`
 * through NODE_EXTRA_CA_CERTS / GRPC_DEFAULT_SSL_ROOTS_FILE_PATH.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { webcrypto, type webcrypto as WebCrypto } from 'node:crypto';
// @peculiar/x509 (through tsyringe) needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { tighten, writePrivateFile } from '../lib/private-files.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The generated CA file, when the server made its own certificate. */
  caFile?: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** `log` tells when an existing private key was open to others and has been tightened to 0600. */
export async function loadOrCreateTls(options: { tls?: { certFile: string; keyFile: string }; dataDir: string; hostNames: string[]; log?: Logger }): Promise<TlsMaterial> {
  if (options.tls !== undefined) return { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) };
  const dir = join(options.dataDir, 'tls');
  const files = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca-key.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem') };
  if (!existsSync(files.cert) || !existsSync(files.key) || !existsSync(files.ca)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const made = await makeCertificates(options.hostNames);
    writePrivateFile(files.caKey, made.caKey);
    writePrivateFile(files.key, made.key);
    writeFileSync(files.ca, made.ca);
    writeFileSync(files.cert, made.cert);
  }
  for (const key of [files.caKey, files.key]) tighten(key, options.log ?? silentLogger);
  return { cert: readFileSync(files.cert), key: readFileSync(files.key), caFile: files.ca };
}

async function makeCertificates(hostNames: string[]): Promise<{ ca: string; caKey: string; cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const now = Date.now();
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=dts local CA',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const serverKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostNames.filter((h) => h !== '0.0.0.0' && h !== '::')])];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALG,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) === 0 ? 'dns' : 'ip', value: n }) as const)),
    ],
  });
  return { ca: ca.toString('pem'), caKey: await pkcs8(caKeys.privateKey), cert: cert.toString('pem'), key: await pkcs8(serverKeys.privateKey) };
}

async function pkcs8(key: WebCrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
