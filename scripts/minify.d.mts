import type { MinifyOptions } from 'terser';
export declare const TERSER: MinifyOptions;
export declare function constToLet(code: string): string;
export declare function lets(): { name: string; renderChunk(code: string): { code: string; map: null } };
