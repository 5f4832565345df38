/** The console page: sign in, then Incidents, Fleet and Controls (console/handler.ts serves it at /ui). */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Me } from './api';
import { ControlsPage } from './controls';
import { FleetPage } from './fleet';
import { html, TextInput } from './html';
import { IncidentsPage } from './incidents';

const TABS = ['incidents', 'fleet', 'controls'] as const;
type Tab = (typeof TABS)[number];

function Login({ onIn }: { onIn: (m: Me) => void }) {
  const [f, setF] = useState({ method: 'keystone', username: '', password: '', project: '', token: '', name: '' });
  const [error, setError] = useState<string | undefined>();
  const field = (k: keyof typeof f, type = 'text', required = true) =>
    html`<label
      >${k}<${TextInput}
        id=${`login-${k}`}
        type=${type}
        value=${f[k]}
        onValue=${(v: string) => setF({ ...f, [k]: v })}
        required=${required}
    /></label>`;
  const submit = (e: Event) => {
    e.preventDefault();
    const body =
      f.method === 'keystone'
        ? {
            method: 'keystone',
            username: f.username,
            password: f.password,
            ...(f.project ? { project: f.project } : {}),
          }
        : { method: 'token', token: f.token, ...(f.name ? { name: f.name } : {}) };
    api<Me>('/login', body).then(onIn, (err: Error) => setError(err.message));
  };
  return html`<form class="login" onSubmit=${submit} data-testid="login">
    <h2>stackmend console</h2>
    <label
      >sign in with
      <select
        data-testid="login-method"
        value=${f.method}
        onChange=${(e: Event) => setF({ ...f, method: (e.target as HTMLSelectElement).value })}
      >
        <option value="keystone">Keystone credentials</option>
        <option value="token">operator credential</option>
      </select>
    </label>
    ${f.method === 'keystone' ? [field('username'), field('password', 'password'), field('project', 'text', false)] : [field('token', 'password'), field('name', 'text', false)]}
    <button type="submit" data-testid="login-submit">Sign in</button>
    ${error && html`<p class="error" data-testid="login-error">${error}</p>`}
  </form>`;
}

function App() {
  const [me, setMe] = useState<Me | undefined>();
  const [tab, setTab] = useState<Tab>('incidents');
  useEffect(() => void api<Me>('/me').then(setMe, () => setMe({ who: null })), []);
  if (!me) return html`<p>…</p>`;
  if (!me.who) return html`<${Login} onIn=${setMe} />`;
  const out = () => api('/logout', {}).then(() => setMe({ who: null }));
  return html`<div>
    <header>
      <h1>stackmend</h1>
      <nav>
        ${TABS.map((t) => html`<button class=${t === tab ? 'on' : ''} data-testid=${`tab-${t}`} onClick=${() => setTab(t)}>${t}</button>`)}
      </nav>
      <span class="who" data-testid="who"
        >${me.who.name} (${me.who.via}) · ${me.operator ? 'operator' : 'read-only'}
        <button onClick=${out}>sign out</button></span
      >
    </header>
    ${tab === 'incidents' && html`<${IncidentsPage} me=${me} />`} ${tab === 'fleet' && html`<${FleetPage} />`}
    ${tab === 'controls' && html`<${ControlsPage} me=${me} />`}
  </div>`;
}

const root = document.getElementById('app')!;
root.textContent = ''; // the shell's "loading" line
render(html`<${App} />`, root);
