// The frame around every page: the top bar (name, navigation, connection state, user, logout); on a phone the
// navigation folds into a menu button.
import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useSession } from '../api/session';
import { useConnectionState } from '../lib/hooks';
import { Badge } from './ui';

const NAV: readonly (readonly [string, string])[] = [
  ['/', 'Overview'], ['/chart', 'Chart'], ['/strategies', 'Strategies'], ['/research', 'Research'],
  ['/risk', 'Risk'], ['/logs', 'Logs'], ['/settings', 'Settings'],
];

const CONNECTION_TEXT = { connecting: 'connecting', open: 'live', reconnecting: 'reconnecting', closed: 'offline' } as const;

export function Layout({ children }: { children: ReactNode }) {
  const { user, logout } = useSession();
  const connection = useConnectionState();
  const [menuOpen, setMenuOpen] = useState(false);
  const link = ({ isActive }: { isActive: boolean }) =>
    `block rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 ${isActive ? 'bg-slate-700 text-white' : 'text-slate-200 hover:bg-slate-800 hover:text-white'}`;
  return (
    <div className="min-h-screen">
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-2">
          <NavLink to="/" className="text-lg font-semibold tracking-tight text-white">Sextant</NavLink>
          <button
            type="button"
            className="ml-auto rounded-md border border-slate-600 px-2 py-1 text-sm text-slate-100 md:hidden"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </button>
          <nav id="main-nav" aria-label="Main" className={`${menuOpen ? 'flex' : 'hidden'} w-full flex-col gap-1 md:flex md:w-auto md:flex-row`}>
            {NAV.map(([to, label]) => (
              <NavLink key={to} to={to} end={to === '/'} className={link} onClick={() => setMenuOpen(false)}>{label}</NavLink>
            ))}
          </nav>
          <div className={`${menuOpen ? 'flex' : 'hidden'} w-full items-center gap-3 md:ml-auto md:flex md:w-auto`}>
            <span data-testid="connection" aria-live="polite"><Badge kind={connection}>{CONNECTION_TEXT[connection]}</Badge></span>
            <span className="text-sm text-slate-300">{user?.username} ({user?.scope})</span>
            <button type="button" onClick={() => void logout()} className="rounded-md px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400">
              Log out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-5">{children}</main>
    </div>
  );
}
