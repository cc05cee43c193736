import type { Permission } from '../../../../shared/rbac';
import { useSession } from '../../state/session';
import { AlertsList } from './AlertsList';
import { DeidExport } from './DeidExport';
import { DetectionSettingsForm } from './DetectionSettings';
import { Incidents } from './Incidents';
import { RetentionPanel } from './RetentionPanel';
import { SafeguardsPanel } from './SafeguardsPanel';
import { useSecurityUi, type SecurityTab } from './store';
import { Tabs } from '../../components/Tabs';
import './security.css';

/** Each tab and the permission that shows it (the core enforces the same on every call). */
const TABS: { id: SecurityTab; label: string; needs: Permission }[] = [
  { id: 'alerts', label: 'Alerts', needs: 'incidents.read' },
  { id: 'incidents', label: 'Incidents', needs: 'incidents.read' },
  { id: 'retention', label: 'Retention and purge', needs: 'incidents.read' },
  { id: 'detection', label: 'Detection thresholds', needs: 'incidents.read' },
  { id: 'deid', label: 'De-identified export', needs: 'settings.manage' },
  { id: 'report', label: 'Safeguards report', needs: 'incidents.read' },
];

/** Security operations: alerts, incidents and breach notification, retention, exports, report. */
export function SecurityPanel() {
  const permissions = useSession((s) => s.session?.permissions);
  const tab = useSecurityUi((s) => s.tab);
  const setTab = useSecurityUi((s) => s.setTab);
  const tabs = TABS.filter((t) => permissions?.includes(t.needs));
  const active = tabs.find((t) => t.id === tab)?.id ?? tabs[0]?.id;
  if (!active) return <p>Your role has no security operations.</p>;
  return (
    <section className="security" aria-labelledby="security-title">
      <h2 id="security-title">Security</h2>
      <Tabs label="Security operations" tabs={tabs} active={active} onSelect={setTab}>
        <TabBody tab={active} />
      </Tabs>
    </section>
  );
}

function TabBody({ tab }: { tab: SecurityTab }) {
  switch (tab) {
    case 'alerts': return <AlertsList />;
    case 'incidents': return <Incidents />;
    case 'retention': return <RetentionPanel />;
    case 'detection': return <DetectionSettingsForm />;
    case 'deid': return <DeidExport />;
    case 'report': return <SafeguardsPanel />;
  }
}
