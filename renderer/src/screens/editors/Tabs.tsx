import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface TabSpec {
  id: string;
  label: string;
  render(): ReactNode;
}

/**
 * Sections of one editor view (e.g. "People | Credentials"), ARIA tabs pattern: one tab stop,
 * arrows, Home and End move between tabs and show them at once.
 */
export function EditorTabs({ label, tabs }: { label: string; tabs: readonly TabSpec[] }) {
  const base = useId();
  const [active, setActive] = useState(tabs[0]?.id ?? '');
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  if (!current) return null;
  if (tabs.length === 1) return <>{current.render()}</>;

  const move = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current.id);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (!tab) return;
    setActive(tab.id);
    refs.current.get(tab.id)?.focus();
  };

  return (
    <div className="editor-tabs">
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
            aria-selected={t.id === current.id}
            aria-controls={`${base}-${t.id}-panel`}
            tabIndex={t.id === current.id ? 0 : -1}
            className={t.id === current.id ? 'primary' : undefined}
            onClick={() => setActive(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-${current.id}-panel`} aria-labelledby={`${base}-${current.id}-tab`}>
        {current.render()}
      </div>
    </div>
  );
}
