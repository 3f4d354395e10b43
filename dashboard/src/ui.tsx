// Shared pieces: status badges, JSON blocks, the confirmation dialog, toasts and polling.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge s-${status.toLowerCase()}`}>{label(status)}</span>;
}

export function label(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
}

/** A stored payload (JSON text) shown pretty-printed. */
export function Json({ text, empty = 'none' }: { text: string | null | undefined; empty?: string }) {
  if (text === null || text === undefined || text === '') return <div class="muted small">{empty}</div>;
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // shown as stored
  }
  return <pre class="json">{pretty}</pre>;
}

export interface ConfirmSpec {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
  fields?: { name: string; label: string; placeholder?: string; json?: boolean; required?: boolean }[];
  run: (values: Record<string, string>) => Promise<void>;
}

export function ConfirmDialog({ spec, onClose }: { spec: ConfirmSpec; onClose: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Shows every failure in the dialog, so its promise never rejects.
  const submit = async (e: Event) => {
    e.preventDefault();
    for (const f of spec.fields ?? []) {
      const v = values[f.name] ?? '';
      if (f.required && v.trim() === '') return setError(`${f.label} is required`);
      if (f.json && v.trim() !== '') {
        try {
          JSON.parse(v);
        } catch (err) {
          return setError(`${f.label} is not valid JSON: ${(err as Error).message}`);
        }
      }
    }
    setBusy(true);
    try {
      await spec.run(values);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form class="dialog" onSubmit={(e) => void submit(e)} aria-label={spec.title}>
        <h3>{spec.title}</h3>
        <p class="muted">{spec.message}</p>
        {(spec.fields ?? []).map((f) => (
          <label class="field" key={f.name}>
            <span>{f.label}</span>
            {f.json ? (
              <textarea name={f.name} rows={4} placeholder={f.placeholder} value={values[f.name] ?? ''} onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLTextAreaElement).value })} />
            ) : (
              <input name={f.name} placeholder={f.placeholder} value={values[f.name] ?? ''} onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value })} />
            )}
          </label>
        ))}
        {error && <div class="error-box">{error}</div>}
        <div class="row end">
          <button type="button" class="btn" onClick={onClose}>Cancel</button>
          <button type="submit" class={`btn ${spec.danger ? 'danger' : 'primary'}`} disabled={busy} data-confirm>
            {busy ? 'Working…' : spec.confirm}
          </button>
        </div>
      </form>
    </div>
  );
}

let pushToast: ((t: string) => void) | undefined;
export function toast(text: string): void {
  pushToast?.(text);
}

/** Copies `text` to the clipboard and says how it went (a browser may refuse the write). */
export function copyText(text: string, what: string): void {
  navigator.clipboard?.writeText(text).then(
    () => toast(`${what} copied`),
    () => toast(`${what} not copied: this browser refused the clipboard`),
  );
}

export function Toasts() {
  const [items, setItems] = useState<{ id: number; text: string }[]>([]);
  useEffect(() => {
    let n = 0;
    pushToast = (text) => {
      const id = ++n;
      setItems((list) => [...list, { id, text }]);
      setTimeout(() => setItems((list) => list.filter((i) => i.id !== id)), 3500);
    };
  }, []);
  return <div class="toasts">{items.map((i) => <div class="toast" key={i.id}>{i.text}</div>)}</div>;
}

export interface Poll<T> {
  data: T | undefined;
  error: string;
  /** The HTTP status of the last failure (0 for none, or no answer). */
  errorStatus: number;
  reload: () => void;
  loading: boolean;
}

/**
 * Runs `load` now, whenever `deps` change, and every `everyMs` when given. Polling stops once the
 * server answers 404 (what is polled does not exist; asking again changes nothing) until `deps` change.
 */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], everyMs = 0): Poll<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState('');
  const [errorStatus, setErrorStatus] = useState(0);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => live && (setData(d), setError(''), setErrorStatus(0)),
      (e: Error) => live && (setError(e.message), setErrorStatus(e instanceof ApiError ? e.status : 0)),
    ).finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const gone = errorStatus === 404;
  useEffect(() => {
    if (!everyMs || gone) return;
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs, gone]);
  return { data, error, errorStatus, loading, reload: () => setTick((n) => n + 1) };
}
