/**
 * A small WXML renderer for running the example app's real pages in the simulator (which has no view
 * layer): parses a page's .wxml once and renders it against the page's current `data` into a tree
 * of elements with their classes, ids, datasets and event bindings, so the scripted user taps
 * elements that the page's own WXML declares, with the dataset WeChat would hand the handler.
 *
 * The subset (what the example uses; anything else throws, so a page cannot silently drift out of it):
 * elements and text, `{{ expression }}` in attributes and text (a single `{{ }}` keeps its type, as in
 * WXML), `wx:for` / `wx:for-item` / `wx:for-index` / `wx:key`, `wx:if` / `wx:elif` / `wx:else`,
 * `<block>`, `data-*` (data-foo-bar → fooBar), `bind`/`catch` event attributes (`bindtap`,
 * `bind:tap`, `catchtap`, `catch:tap`). Not supported: `<template>`, `<import>`, `<include>`, `<wxs>`,
 * `<slot>` and custom components. Expressions see only the data (no globals), like WXML.
 */

export interface WxmlNode {
  tag: string;
  attrs: Record<string, string | true>;
  children: (WxmlNode | string)[];
}

export interface Element {
  tag: string;
  id: string;
  classes: string[];
  /** Evaluated attributes other than data-*, bindings and wx:* (class, style, open-type, current…). */
  attrs: Record<string, unknown>;
  dataset: Record<string, unknown>;
  /** Event name → handler, e.g. tap → { handler: 'onBuy', catch: false }. */
  events: Record<string, { handler: string; catch: boolean }>;
  children: Element[];
  text: string;
  parent?: Element;
}

const UNSUPPORTED = new Set(['template', 'import', 'include', 'wxs', 'slot']);
const VOID_TAGS = new Set(['input', 'image', 'icon', 'switch', 'progress', 'textarea', 'slider', 'checkbox', 'radio']);

/** Parses WXML source into a node tree (the root is a synthetic `block`). */
export function parseWxml(src: string, file = 'wxml'): WxmlNode {
  const root: WxmlNode = { tag: 'block', attrs: {}, children: [] };
  const stack: WxmlNode[] = [root];
  let i = 0;
  const fail = (msg: string): never => {
    const line = src.slice(0, i).split('\n').length;
    throw new Error(`${file}:${line}: ${msg}`);
  };
  const top = () => stack[stack.length - 1]!;
  while (i < src.length) {
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) fail('unclosed comment');
      i = end + 3;
    } else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i);
      const tag = src.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open === root || open.tag !== tag) fail(`</${tag}> does not close <${open && open.tag}>`);
      i = end + 1;
    } else if (src[i] === '<') {
      i++;
      const name = /^[A-Za-z][\w-]*/.exec(src.slice(i));
      if (!name) fail('bad tag');
      const tag = name![0];
      if (UNSUPPORTED.has(tag)) fail(`<${tag}> is outside the subset this renderer supports`);
      i += tag.length;
      const attrs: Record<string, string | true> = {};
      for (;;) {
        while (/\s/.test(src[i] ?? '')) i++;
        if (src.startsWith('/>', i) || src[i] === '>') break;
        const an = /^[^\s=/>]+/.exec(src.slice(i));
        if (!an) fail(`bad attribute in <${tag}>`);
        i += an![0].length;
        while (/\s/.test(src[i] ?? '')) i++;
        if (src[i] !== '=') {
          attrs[an![0]] = true;
          continue;
        }
        i++;
        while (/\s/.test(src[i] ?? '')) i++;
        const q = src[i];
        if (q !== '"' && q !== "'") fail(`attribute ${an![0]} of <${tag}> needs quotes`);
        const end = src.indexOf(q!, i + 1);
        if (end < 0) fail('unclosed attribute value');
        attrs[an![0]] = src.slice(i + 1, end);
        i = end + 1;
      }
      const node: WxmlNode = { tag, attrs, children: [] };
      top().children.push(node);
      if (src.startsWith('/>', i)) i += 2;
      else {
        i++;
        if (!VOID_TAGS.has(tag)) stack.push(node);
      }
    } else {
      // Text up to the next tag; a '<' inside {{ }} is part of the expression.
      let j = i;
      while (j < src.length && src[j] !== '<') {
        if (src.startsWith('{{', j)) {
          const end = src.indexOf('}}', j);
          if (end < 0) fail('unclosed {{');
          j = end + 2;
        } else j++;
      }
      const text = src.slice(i, j);
      if (text.trim()) top().children.push(text);
      i = j;
    }
  }
  if (stack.length > 1) fail(`<${top().tag}> is not closed`);
  return root;
}

const compiled = new Map<string, (scope: object) => unknown>();

/** Evaluates one WXML expression against a scope that holds only data: unknown names are undefined. */
function evaluate(expr: string, scope: object): unknown {
  let fn = compiled.get(expr);
  if (!fn) {
    // eslint-disable-next-line no-new-func
    const body = new Function('scope', `with (scope) { return (${expr}); }`) as (scope: object) => unknown;
    fn = (s) => body(new Proxy(s, { has: (_, k) => typeof k === 'string', get: (t, k) => (typeof k === 'string' ? (t as Record<string, unknown>)[k] : undefined) }));
    compiled.set(expr, fn);
  }
  return fn(scope);
}

const MUSTACHE = /\{\{([\s\S]*?)\}\}/g;

/** An attribute or text value: a lone {{expr}} keeps its type; anything else becomes a string. */
function value(raw: string | true, scope: object): unknown {
  if (raw === true) return true;
  const lone = /^\s*\{\{((?:(?!\}\})[\s\S])*)\}\}\s*$/.exec(raw);
  if (lone) return evaluate(lone[1]!, scope);
  return raw.replace(MUSTACHE, (_, e: string) => {
    const v = evaluate(e, scope);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function element(node: WxmlNode, scope: object, parent: Element | undefined): Element {
  const el: Element = { tag: node.tag, id: '', classes: [], attrs: {}, dataset: {}, events: {}, children: [], text: '', parent };
  for (const [name, raw] of Object.entries(node.attrs)) {
    if (name.startsWith('wx:')) continue;
    const ev = /^(bind|catch):?([a-z]+)$/.exec(name);
    if (ev) {
      el.events[ev[2]!] = { handler: String(value(raw, scope)), catch: ev[1] === 'catch' };
    } else if (name.startsWith('data-')) {
      el.dataset[camel(name.slice(5))] = value(raw, scope);
    } else {
      const v = value(raw, scope);
      if (name === 'id') el.id = String(v);
      else if (name === 'class') el.classes = String(v).split(/\s+/).filter(Boolean);
      el.attrs[name] = v;
    }
  }
  return el;
}

function renderChildren(nodes: (WxmlNode | string)[], scope: object, parent: Element, out: Element[]): void {
  let chain: 'taken' | 'open' | undefined; // wx:if chain state among siblings
  for (const n of nodes) {
    if (typeof n === 'string') {
      parent.text += String(value(n, scope)).replace(/\s+/g, ' ');
      chain = undefined;
      continue;
    }
    const a = n.attrs;
    if ('wx:if' in a) {
      chain = value(a['wx:if']!, scope) ? 'taken' : 'open';
      if (chain === 'open') continue;
    } else if ('wx:elif' in a) {
      if (chain === undefined) throw new Error('wx:elif without wx:if');
      if (chain === 'taken') continue;
      chain = value(a['wx:elif']!, scope) ? 'taken' : 'open';
      if (chain === 'open') continue;
    } else if ('wx:else' in a) {
      if (chain === undefined) throw new Error('wx:else without wx:if');
      const skip = chain === 'taken';
      chain = undefined;
      if (skip) continue;
    } else chain = undefined;
    if ('wx:for' in a) {
      const list = value(a['wx:for']!, scope);
      const items: unknown[] = Array.isArray(list) ? list : typeof list === 'number' ? Array.from({ length: list }, (_, k) => k) : list && typeof list === 'object' ? Object.values(list) : [];
      const itemName = typeof a['wx:for-item'] === 'string' ? a['wx:for-item'] : 'item';
      const indexName = typeof a['wx:for-index'] === 'string' ? a['wx:for-index'] : 'index';
      items.forEach((item, index) => {
        const s = Object.create(scope) as Record<string, unknown>;
        s[itemName] = item;
        s[indexName] = index;
        renderOne(n, s, parent, out);
      });
    } else renderOne(n, scope, parent, out);
  }
}

function renderOne(n: WxmlNode, scope: object, parent: Element, out: Element[]): void {
  if (n.tag === 'block') return renderChildren(n.children, scope, parent, out);
  const el = element(n, scope, parent);
  out.push(el);
  renderChildren(n.children, scope, el, el.children);
}

/** Renders a parsed page against its data; the root is a synthetic `page` element. */
export function render(tree: WxmlNode, data: object): Element {
  const root: Element = { tag: 'page', id: '', classes: [], attrs: {}, dataset: {}, events: {}, children: [], text: '' };
  renderChildren(tree.children, data, root, root.children);
  return root;
}

/** Every element of the tree in document order. */
export function elements(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    out.push(e);
    e.children.forEach(walk);
  };
  root.children.forEach(walk);
  return out;
}

/** The elements a simple selector matches: `.class`, `#id` or `tag` (what the SDK and the script use). */
export function select(root: Element, selector: string): Element[] {
  const m = /^([.#]?)([\w-]+)$/.exec(selector.trim());
  if (!m) throw new Error(`selector "${selector}" is outside the subset (.class, #id, tag)`);
  const [, kind, name] = m;
  return elements(root).filter((e) => (kind === '.' ? e.classes.includes(name!) : kind === '#' ? e.id === name : e.tag === name));
}

/** The element and its ancestors, innermost first (the bubbling path of an event). */
export function path(e: Element): Element[] {
  const out: Element[] = [];
  for (let c: Element | undefined = e; c && c.tag !== 'page'; c = c.parent) out.push(c);
  return out;
}
