/**
 * The React APIs the hooks use, imported in one place: a bundler that keeps
 * `react` external (esbuild, tsup) then emits one import statement for the
 * whole entry instead of one per hook module. Internal. `useCallback(fn, deps)`
 * is written `useMemo(() => fn, deps)` (the same thing): one import fewer.
 */
export { createContext, createElement, useContext, useEffect, useInsertionEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
export type { ReactNode } from 'react';
