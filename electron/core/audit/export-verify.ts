import { hash } from 'node:crypto';
import { AuditEntry } from '../../../shared/audit/entry';
import { AuditExportItem, AuditExportManifest } from '../../../shared/audit/export';
import { verifyInclusion } from '../../../shared/merkle/verify';
import { checkSignedCheckpoint, parseCheckpointBody } from './checkpoint';
import { parseCsv } from './csv';
import { CSV_COLUMNS } from './export';
import { leafHashOfText, nodeHasher } from './hash';
import { normalizePem, verifyEd25519 } from './signer';

export interface ExportCheck {
  ok: boolean;
  problems: string[];
  count: number | null;
  manifest: AuditExportManifest | null;
}

/**
 * Offline check of an export: the manifest signature (by the pinned key if given), the signed
 * checkpoint inside it, the data hash, and the content: every JSON item's text hashes to its leaf
 * and its inclusion proof leads to the signed root; CSV row count and seq range match.
 */
export function verifyExport(input: { data: Buffer; manifestBytes: Buffer; signature: Buffer; trustedPublicKeyPem?: string }): ExportCheck {
  const problems: string[] = [];
  let manifest: AuditExportManifest;
  try {
    manifest = AuditExportManifest.parse(JSON.parse(input.manifestBytes.toString('utf8')));
  } catch {
    return { ok: false, problems: ['the manifest is not a valid audit export manifest'], count: null, manifest: null };
  }
  const key = input.trustedPublicKeyPem ?? manifest.publicKeyPem;
  if (input.trustedPublicKeyPem && normalizePem(input.trustedPublicKeyPem) !== normalizePem(manifest.publicKeyPem)) {
    problems.push('the manifest names a different key than the trusted one');
  }
  if (!verifyEd25519(key, input.manifestBytes, input.signature)) problems.push('the manifest signature is not valid');
  try {
    const cp = parseCheckpointBody(manifest.checkpoint.body);
    const signed = checkSignedCheckpoint({ ...cp, body: manifest.checkpoint.body, signature: Buffer.from(manifest.checkpoint.signature, 'base64'), deviceId: manifest.deviceId, publicKeyPem: key });
    if (signed.ok !== true) problems.push('the checkpoint signature in the manifest is not valid');
    if (cp.size !== manifest.treeSize || cp.root.toString('base64') !== manifest.rootHash || cp.origin !== manifest.origin) {
      problems.push('the manifest root does not match its signed checkpoint');
    }
  } catch {
    problems.push('the checkpoint in the manifest is malformed');
  }
  if (hash('sha256', input.data, 'base64') !== manifest.dataSha256) problems.push('the data file does not match the manifest hash (modified or truncated)');

  let count = 0;
  const seqs: number[] = [];
  if (manifest.format === 'json') {
    let items: unknown[] = [];
    try {
      items = (JSON.parse(input.data.toString('utf8')) as { items: unknown[] }).items;
    } catch {
      problems.push('the data file is not valid JSON');
    }
    const root = Buffer.from(manifest.rootHash, 'base64');
    for (const raw of items) {
      const parsed = AuditExportItem.safeParse(raw);
      if (!parsed.success) {
        problems.push(`item ${count}: malformed`);
        continue;
      }
      const it = parsed.data;
      count++;
      seqs.push(it.seq);
      const leaf = Buffer.from(it.leafHash, 'base64');
      if (it.entry !== null) {
        if (!leafHashOfText(it.entry).equals(leaf)) problems.push(`entry ${it.seq}: text does not match its leaf hash`);
        const e = AuditEntry.safeParse(JSON.parse(it.entry));
        if (!e.success || e.data.seq !== it.seq) problems.push(`entry ${it.seq}: not a valid entry for this position`);
      }
      try {
        verifyInclusion(nodeHasher, it.seq, manifest.treeSize, leaf, it.inclusionProof.map((p) => Buffer.from(p, 'base64')), root);
      } catch {
        problems.push(`entry ${it.seq}: inclusion proof does not lead to the signed root`);
      }
      if (problems.length > 50) break;
    }
  } else {
    let rows: string[][] = [];
    try {
      rows = parseCsv(input.data.toString('utf8'));
    } catch {
      problems.push('the data file is not valid CSV');
    }
    const [header, ...body] = rows;
    if (!header || header.join(',') !== CSV_COLUMNS.join(',')) problems.push('unexpected CSV header');
    for (const r of body) {
      count++;
      seqs.push(Number(r[0]));
    }
  }
  if (count !== manifest.count) problems.push(`the data holds ${count} entries, the manifest says ${manifest.count}`);
  if (seqs.length > 0 && (seqs[0] !== manifest.firstSeq || seqs[seqs.length - 1] !== manifest.lastSeq)) problems.push('the seq range does not match the manifest');
  for (let i = 1; i < seqs.length; i++) {
    if ((seqs[i] as number) <= (seqs[i - 1] as number)) {
      problems.push('entries are not in seq order');
      break;
    }
  }
  return { ok: problems.length === 0, problems, count, manifest };
}
