import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface Tab<T extends string> {
  id: T;
  label: string;
}

/**
 * Controlled ARIA tabs (a screen may switch the tab itself, e.g. "open incident" from an alert): one
 * tab stop, arrows, Home and End move between tabs and show them at once.
 */
export function Tabs<T extends string>({ label, tabs, active, onSelect, className, children }: { label: string; tabs: readonly Tab<T>[]; active: T; onSelect(id: T): void; className?: string; children: ReactNode }) {
  const base = useId();
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const move = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === active);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (!tab) return;
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  return (
    <div className={className}>
      <div role="tablist" aria-label={label} className="filters" onKeyDown={move}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`${base}-${t.id}-tab`}
            aria-selected={t.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            className={t.id === active ? 'primary' : undefined}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${active}-tab`}>
        {children}
      </div>
    </div>
  );
}
