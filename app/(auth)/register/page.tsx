import type { Metadata } from 'next';
import { env } from '@/lib/env';
import { RegisterForm } from './register-form';

export const metadata: Metadata = { title: 'Create account' };
// Read per request: APP_NAME (which the password policy refuses) is the deployment's setting,
// not the build's.
export const dynamic = 'force-dynamic';

export default function RegisterPage() {
  return (
    <section className="card" aria-labelledby="register-title">
      <h1 id="register-title">Create your account</h1>
      <p className="muted">A long passphrase you don’t use anywhere else is the best password.</p>
      <RegisterForm appName={env().APP_NAME} />
    </section>
  );
}
