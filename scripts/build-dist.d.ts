// Types of scripts/build-dist.js (plain JavaScript so that install scripts and bin/persona.js run it without tsx).
export declare const DIST: string;
export declare function isDistFresh(): boolean;
export declare function buildDist(): Promise<boolean>;
/** dist/<name>.js ← its source file. */
export declare const ENTRY_POINTS: Record<'main' | 'worker' | 'cli', string>;
