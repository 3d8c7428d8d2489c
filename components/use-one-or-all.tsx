'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { type ActionState, initialState } from '@/lib/action-state';

type Action<S> = (state: Awaited<S>, formData: FormData) => Promise<S>;

/**
 * A list whose items each have a button, with one more button for all of them (sessions, trusted
 * devices): two plain forms posting to server actions, so they work before JavaScript runs. After
 * either, the confirmation in words takes focus instead of focus falling to the page; an answer is
 * said once, not again when the other form answers.
 */
export function useOneOrAll<S extends ActionState>(
  oneAction: Action<S>,
  allAction: Action<S>,
  confirmation: (state: Awaited<S>) => { ok: boolean; text: string },
) {
  const initial = initialState as Awaited<S>;
  const [one, sendOne, pendingOne] = useActionState(oneAction, initial);
  const [all, sendAll, pendingAll] = useActionState(allAction, initial);
  // Which form was sent last (before hydration, whichever has an answer), and the answer it had
  // then: until a new one comes, the old answer is not said again.
  const [sent, setSent] = useState<{ form: 'one' | 'all'; before: Awaited<S> } | null>(null);
  const result = (sent?.form ?? (all !== initial ? 'all' : 'one')) === 'all' ? all : one;
  const fresh = result !== initial && result !== sent?.before;
  const said = fresh ? confirmation(result) : null;
  const statusRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (fresh) statusRef.current?.focus();
  }, [fresh]);

  const status = said?.text ? (
    <div ref={statusRef} tabIndex={-1}>
      <Alert tone={said.ok ? 'success' : 'info'}>{said.text}</Alert>
    </div>
  ) : null;
  return {
    status,
    one: { action: sendOne, pending: pendingOne, onSubmit: () => setSent({ form: 'one', before: one }) },
    all: { action: sendAll, pending: pendingAll, onSubmit: () => setSent({ form: 'all', before: all }) },
  };
}
