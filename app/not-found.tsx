import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="card" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>
        That page does not exist. <Link href="/">Go to the start page</Link>.
      </p>
    </section>
  );
}
