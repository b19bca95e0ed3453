import { useCallback, useSyncExternalStore } from "react";

/** Tablet width and up (Tailwind's `md`): tables there, lists of rows and sheets on phones. */
export const WIDE = "(min-width: 768px)";

/**
 * Whether a media query matches, kept current. For layouts that must render one variant only (a table or a list,
 * inline filters or a sheet), where hiding the other with CSS would leave duplicate controls in the page.
 */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const media = window.matchMedia(query);
      media.addEventListener("change", onChange);
      return () => media.removeEventListener("change", onChange);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}
