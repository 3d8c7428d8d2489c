'use client';

import Link from 'next/link';
import { EmailLinkForm } from '@/components/email-link-form';
import { messages } from '@/lib/messages';
import { accountRecoveryAction } from './actions';

export function AccountRecoveryForm() {
  return (
    <EmailLinkForm
      action={accountRecoveryAction}
      sent={messages.recoveryRequested}
      submitLabel="Send recovery link"
      footer={
        <>
          Found your phone or a backup code? <Link href="/login">Sign in</Link>
        </>
      }
    />
  );
}
