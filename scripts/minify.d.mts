import type { MinifyOptions } from 'terser';
export declare const TERSER: MinifyOptions;
