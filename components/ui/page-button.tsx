'use client';

import type { ReactNode, Ref } from 'react';

type Props = {
  href: string;
  params?: Record<string, string>;
  onClick: () => void;
  className?: string;
  buttonRef?: Ref<HTMLButtonElement>;
  /**
   * For a button inside another form (forms do not nest): the id of a PageForm placed outside
   * it, which the button submits through its `form` attribute.
   */
  formId?: string;
  children: ReactNode;
};

/**
 * A button that works before (or without) JavaScript: it submits a GET form, so the server
 * renders the page it leads to (`href` with `params` as its query); once the page is hydrated,
 * `onClick` runs instead and nothing is fetched.
 */
export function PageButton({
  href,
  params = {},
  onClick,
  className = 'button',
  buttonRef,
  formId,
  children,
}: Props) {
  const button = (
    <button
      ref={buttonRef}
      type="submit"
      form={formId}
      formNoValidate
      className={className}
      onClick={(event) => {
        event.preventDefault();
        onClick();
      }}
    >
      {children}
    </button>
  );
  return formId ? button : <PageForm href={href} params={params} button={button} />;
}

/** The GET form a PageButton submits; on its own (with `id`), for a button inside another form. */
export function PageForm({
  id,
  href,
  params = {},
  button,
}: {
  id?: string;
  href: string;
  params?: Record<string, string>;
  button?: ReactNode;
}) {
  return (
    <form id={id} method="get" action={href} className="inline-form">
      {Object.entries(params).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {button}
    </form>
  );
}
