/**
 * RFC 8785 (JCS) canonical JSON. The one canonicalizer of the project: audit leaves, signatures and
 * sync batches all hash these bytes, so any change here is a format change.
 *
 * ECMAScript's own number and string serialization is what JCS specifies, so JSON.stringify does the
 * leaf work; we only sort keys (by UTF-16 code units, the default string order) and refuse what JSON
 * cannot represent faithfully.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, []);
}

/**
 * Where a refused value sits ("$.a[2].b"), for the error message only. The path is kept as a stack
 * of segments and joined on error: building the string for every value cost about half the time
 * of canonicalizing an audit entry.
 */
function where(path: ReadonlyArray<string | number>): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

function serialize(value: unknown, path: Array<string | number>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${where(path)}`);
      return JSON.stringify(value === 0 ? 0 : value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          if (item === undefined) {
            out += 'null';
            continue;
          }
          path.push(i);
          out += serialize(item, path);
          path.pop();
        }
        return out + ']';
      }
      const maybe = value as { toJSON?: () => unknown };
      if (typeof maybe.toJSON === 'function') return serialize(maybe.toJSON(), path);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        if (!first) out += ',';
        first = false;
        path.push(key);
        out += JSON.stringify(key) + ':' + serialize(v, path);
        path.pop();
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value} at ${where(path)}`);
  }
}
