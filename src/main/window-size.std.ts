// The app window's size when it opens and the smallest it can be made (outer size, frame included).
export const DEFAULT_WINDOW_SIZE = { width: 760, height: 680 } as const;
export const MIN_WINDOW_SIZE = { width: 360, height: 420 } as const;
