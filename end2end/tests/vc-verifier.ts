/**
 * An independent verifier of the site's credentials, written from the W3C specifications
 * alone and sharing no code with the server: JSON Canonicalization (RFC 8785), the
 * eddsa-jcs-2022 cryptosuite (VC Data Integrity EdDSA Cryptosuites v1.0, §3.3.2 "Verify
 * Proof (eddsa-jcs-2022)"), did:web resolution, Multikey (Ed25519, multicodec 0xed01) and the
 * Bitstring Status List v1.0. Node's own crypto checks the Ed25519 signatures.
 */
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import { gunzipSync } from "node:zlib";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** RFC 8785: members sorted by UTF-16 code units, ECMAScript number and string forms. */
export function jcs(value: Json): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(",")}}`;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** base58btc (the multibase `z` alphabet) to bytes. */
export function base58btc(text: string): Buffer {
  let n = 0n;
  for (const c of text) {
    const d = BASE58.indexOf(c);
    if (d < 0) throw new Error(`not base58btc: ${c}`);
    n = n * 58n + BigInt(d);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of text) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

/** An Ed25519 Multikey (`z6Mk…`) as a Node public key. */
function multikey(publicKeyMultibase: string) {
  if (!publicKeyMultibase.startsWith("z")) throw new Error("the key is not base58btc multibase");
  const raw = base58btc(publicKeyMultibase.slice(1));
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error("not an Ed25519 Multikey");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.subarray(2).toString("base64url") }, format: "jwk" });
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** did:web:host%3Aport → https://host:port/.well-known/did.json (http for localhost in tests). */
export function didWebUrl(did: string, scheme: string): string {
  const [method, kind, ...rest] = did.split(":");
  if (method !== "did" || kind !== "web" || rest.length === 0) throw new Error(`not did:web: ${did}`);
  const host = decodeURIComponent(rest[0]);
  const path = rest.slice(1).map(decodeURIComponent).join("/");
  return `${scheme}://${host}/${path ? `${path}/did.json` : ".well-known/did.json"}`;
}

export type Fetch = (url: string) => Promise<Json>;

/** The eddsa-jcs-2022 proof of `secured` holds with a key the issuer's DID lists for assertions. */
export async function verifyProof(secured: { [key: string]: Json }, fetchJson: Fetch, scheme: string): Promise<void> {
  const proof = secured.proof as { [key: string]: Json };
  if (proof?.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-jcs-2022") throw new Error("not an eddsa-jcs-2022 proof");
  if (proof.proofPurpose !== "assertionMethod") throw new Error("the proof is not for assertions");
  const { proof: _, ...unsecured } = secured;
  const { proofValue, ...options } = proof;
  if (options["@context"] !== undefined) {
    const docContext = unsecured["@context"] as Json[];
    const proofContext = options["@context"] as Json[];
    if (!proofContext.every((c, i) => docContext[i] === c)) throw new Error("the proof @context does not start the document's");
    unsecured["@context"] = proofContext;
  }
  const method = String(options.verificationMethod);
  const did = method.split("#")[0];
  if (did !== secured.issuer) throw new Error("the key is not the issuer's");
  const doc = (await fetchJson(didWebUrl(did, scheme))) as { [key: string]: Json };
  if (doc.id !== did) throw new Error("the DID document is for another DID");
  if (!(doc.assertionMethod as Json[]).includes(method)) throw new Error("the key is not an assertion method");
  const vm = (doc.verificationMethod as { [key: string]: Json }[]).find((m) => m.id === method);
  if (!vm || vm.type !== "Multikey") throw new Error("the verification method is not a Multikey");
  const hashData = Buffer.concat([sha256(jcs(options)), sha256(jcs(unsecured))]);
  const signature = base58btc(String(proofValue).slice(1));
  if (!String(proofValue).startsWith("z") || signature.length !== 64) throw new Error("proofValue is not a base58btc signature");
  if (!verifySignature(null, hashData, multikey(String(vm.publicKeyMultibase)), signature)) throw new Error("the signature does not hold");
}

/** Whether the credential's bit in its (verified) Bitstring Status List is set. */
export async function revokedInStatusList(secured: { [key: string]: Json }, fetchJson: Fetch, scheme: string, rewrite: (url: string) => string): Promise<boolean> {
  const entry = secured.credentialStatus as { [key: string]: Json };
  if (entry.type !== "BitstringStatusListEntry" || entry.statusPurpose !== "revocation") throw new Error("no revocation entry");
  const list = (await fetchJson(rewrite(String(entry.statusListCredential)))) as { [key: string]: Json };
  await verifyProof(list, fetchJson, scheme);
  if (list.issuer !== secured.issuer) throw new Error("the status list is another issuer's");
  const subject = list.credentialSubject as { [key: string]: Json };
  const encoded = String(subject.encodedList);
  if (!encoded.startsWith("u")) throw new Error("encodedList is not base64url multibase");
  const bits = gunzipSync(Buffer.from(encoded.slice(1), "base64url"));
  const index = Number(entry.statusListIndex);
  return ((bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1) === 1;
}
