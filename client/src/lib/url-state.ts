/** Page state kept in the URL query string, so filters survive reloads and can be shared. */
import { useCallback } from "react";
import { useSearchParams } from "wouter";

export type UrlChanges = Record<string, string | number | null | undefined>;

export function useUrlParams(): [URLSearchParams, (changes: UrlChanges) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: UrlChanges) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === null || value === "") next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [params, update];
}
