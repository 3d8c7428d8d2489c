'use client';

import Link from 'next/link';
import { EmailLinkForm } from '@/components/email-link-form';
import { messages } from '@/lib/messages';
import { forgotPasswordAction } from './actions';

export function ForgotPasswordForm() {
  return (
    <EmailLinkForm
      action={forgotPasswordAction}
      sent={messages.resetRequested}
      submitLabel="Send reset link"
      footer={
        <>
          Remembered it? <Link href="/login">Sign in</Link>
        </>
      }
    />
  );
}
