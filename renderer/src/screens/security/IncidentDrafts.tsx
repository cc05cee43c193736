import { useState } from 'react';
import type { IncidentView } from '../../../../shared/security/incidents';
import { api } from '../../api/client';
import { FormError } from '../../components/Field';
import { messageOf } from '../../lib/errors';
import { saveFile } from '../../lib/save-file';
import { call } from '../../state/session';
import { TEXT } from './format';

interface Drafts {
  letter: string;
  hhsSummary: string;
}

/** The notification letter and the HHS summary, filled from the templates: to read and download. */
export function IncidentDrafts({ incident }: { incident: IncidentView }) {
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    try {
      setDrafts(await call(api.incidents.drafts({ id: incident.id })));
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="card" aria-labelledby="drafts-title">
      <div className="section-head">
        <h4 id="drafts-title">Notification drafts</h4>
        <button type="button" onClick={() => void load()}>
          {drafts ? 'Refresh the drafts' : 'Prepare the drafts'}
        </button>
      </div>
      <FormError text={error} />
      {drafts && (
        <div className="two-col">
          <Draft title="Letter to individuals" what="the letter" text={drafts.letter} file={`incident-${incident.number}-notification-letter.txt`} />
          <Draft title="HHS summary" what="the HHS summary" text={drafts.hhsSummary} file={`incident-${incident.number}-hhs-summary.txt`} />
        </div>
      )}
    </section>
  );
}

function Draft({ title, what, text, file }: { title: string; what: string; text: string; file: string }) {
  return (
    <div>
      <h5>{title}</h5>
      <pre className="draft" tabIndex={0} aria-label={title}>
        {text}
      </pre>
      <button type="button" onClick={() => saveFile(file, text, TEXT)}>
        Download {what}
      </button>
    </div>
  );
}
