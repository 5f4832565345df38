/** A value read from the API now and every few seconds after, while the component is shown. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export function usePoll<T>(path: string | undefined, everyMs = 3000): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    const load = () =>
      api<T>(path).then(
        (data) => live && setState({ data }),
        (e: Error) => live && setState((s) => ({ ...s, error: e.message })),
      );
    load();
    const timer = setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}
