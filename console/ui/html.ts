/** htm bound to preact's h: the page's templates (no build-time JSX). */
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

export const ago = (sec?: number) =>
  sec === undefined
    ? '—'
    : sec < 90
      ? `${Math.round(sec)} s`
      : sec < 5400
        ? `${Math.round(sec / 60)} min`
        : `${Math.round(sec / 3600)} h`;
export const clock = (iso: string) => iso.slice(11, 19);

/** A text field that reports every change of its value. */
export function TextInput(p: {
  id: string;
  value: string;
  onValue: (v: string) => void;
  placeholder?: string;
  type?: string;
  required?: boolean;
}) {
  return html`<input
    data-testid=${p.id}
    type=${p.type ?? 'text'}
    placeholder=${p.placeholder ?? ''}
    value=${p.value}
    onInput=${(e: Event) => p.onValue((e.target as HTMLInputElement).value)}
    required=${!!p.required}
  />`;
}

export const Head = ({ cols }: { cols: string[] }) =>
  html`<thead>
    <tr>
      ${cols.map((c) => html`<th>${c}</th>`)}
    </tr>
  </thead>`;
