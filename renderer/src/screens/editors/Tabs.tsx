import { useState, type ReactNode } from 'react';
import { Tabs } from '../../components/Tabs';

export interface TabSpec {
  id: string;
  label: string;
  render(): ReactNode;
}

/** Sections of one editor view (e.g. "People | Credentials"); a single section shows without tabs. */
export function EditorTabs({ label, tabs }: { label: string; tabs: readonly TabSpec[] }) {
  const [active, setActive] = useState(tabs[0]?.id ?? '');
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  if (!current) return null;
  if (tabs.length === 1) return <>{current.render()}</>;
  return (
    <Tabs label={label} tabs={tabs} active={current.id} onSelect={setActive} className="editor-tabs">
      {current.render()}
    </Tabs>
  );
}
