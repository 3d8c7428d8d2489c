import type { Metadata } from 'next';
import { RegisterForm } from './register-form';

export const metadata: Metadata = { title: 'Create account' };

export default function RegisterPage() {
  return (
    <section className="card" aria-labelledby="register-title">
      <h1 id="register-title">Create your account</h1>
      <p className="muted">A long passphrase you don’t use anywhere else is the best password.</p>
      <RegisterForm />
    </section>
  );
}
