/**
 * The console page's views (console/ui/) rendered in a unit test: preact's virtual nodes, function
 * components called with their props, turned into HTML text, and the element a `data-testid` names with
 * its props (its handlers) to call. For views without hooks: a component that calls useState needs
 * preact's renderer and a DOM (test/e2e/console.test.ts drives the bundled page in chromium).
 */
import type { VNode } from 'preact';

type Element = { tag: string; props: Record<string, unknown>; children: Node[] };
type Node = Element | string;

/** The tree of elements and text the view draws. */
export function expand(v: unknown): Node[] {
  if (v === null || v === undefined || typeof v === 'boolean') return [];
  if (Array.isArray(v)) return v.flatMap(expand);
  if (typeof v !== 'object') return [String(v)];
  const { type, props } = v as VNode<Record<string, unknown>>;
  if (typeof type === 'function') return expand((type as (p: unknown) => unknown)(props));
  const { children, ...rest } = props as Record<string, unknown>;
  return [{ tag: String(type), props: rest, children: expand(children) }];
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attrs(props: Record<string, unknown>): string {
  return Object.entries(props)
    .filter(([k, v]) => !k.startsWith('on') && v !== false && v !== null && v !== undefined && k !== 'key')
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escape(String(v))}"`))
    .join('');
}

function htmlOf(nodes: Node[]): string {
  return nodes
    .map((n) => (typeof n === 'string' ? escape(n) : `<${n.tag}${attrs(n.props)}>${htmlOf(n.children)}</${n.tag}>`))
    .join('');
}

/** The view as HTML text. */
export const renderHtml = (v: unknown): string => htmlOf(expand(v));

/** What an element of the view holds, as HTML text. */
export const innerHtml = (e: Element): string => htmlOf(e.children);

/** The text inside an element, a space around each element inside (the page lays them out apart), collapsed. */
export const textOf = (n: Node): string =>
  (typeof n === 'string' ? n : n.children.map((c) => (typeof c === 'string' ? c : ` ${textOf(c)} `)).join(''))
    .replace(/\s+/g, ' ')
    .trim();

/** Every element of the view whose data-testid is `id` (none: an empty list). */
export function byTestId(v: unknown, id: string): Element[] {
  const found: Element[] = [];
  const walk = (nodes: Node[]) =>
    nodes.forEach((n) => {
      if (typeof n === 'string') return;
      if (n.props['data-testid'] === id) found.push(n);
      walk(n.children);
    });
  walk(expand(v));
  return found;
}

/** The one element with data-testid `id`; fails the test when there is none or more than one. */
export function one(v: unknown, id: string): Element {
  const found = byTestId(v, id);
  if (found.length !== 1) throw new Error(`${found.length} elements with data-testid=${id} in the view`);
  return found[0];
}
