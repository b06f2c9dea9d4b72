import type { BatchContext } from '../types';

/** Outcome of one HTTP attempt. status 0 means no answer (network error, reset, timeout). */
export interface HttpResult {
  status: number;
  /** Retry-After, in milliseconds, when the collector sent one. */
  retryAfterMs?: number;
  /** The host refused the URL itself (on WeChat: not https, or its domain not allowed): why, in its words. */
  refused?: string;
}

/**
 * Everything the core needs from the host runtime. The core never touches `wx`;
 * a test or another mini-program platform supplies its own implementation.
 */
export interface Platform {
  /** Synchronous read; undefined when absent or unreadable. */
  read(key: string): string | undefined;
  /** Synchronous write; returns an error message when the host refused it. */
  write(key: string, value: string): string | undefined;
  remove(key: string): unknown;
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, done: (result: HttpResult) => void): void;
  /** Device and app facts, read once. */
  context(): BatchContext;
  /** Route of the page on top of the stack, if any. */
  page(): string | undefined;
  /** Told the current connectivity once it is known, then on every change. */
  onNetwork(listener: (online: boolean, type: string) => void): void;
  /** Told WeChat's show options (scene, path, query, referrerInfo). */
  onAppShow(listener: (options?: { [key: string]: unknown }) => void): unknown;
  onAppHide(listener: () => void): unknown;
  /**
   * The wx API whose native full-screen UI (previewImage, requestPayment…) the user is in, from
   * the call until the app shows again after the hide it caused. Optional: a platform without
   * such flows leaves it out.
   */
  flow?(): string | undefined;
}
