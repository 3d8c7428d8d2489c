import { describe, expect, it } from 'vitest';
import { composeMail, escapeHtml } from './compose';

const LINK = 'https://auth.example.com/reset-password/tok_en-123';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('composeMail', () => {
  const mail = composeMail({
    paragraphs: ['Someone asked to reset the password of <b>you@example.com</b>.', 'Line one\nline two'],
    action: { label: 'Reset your password', url: LINK },
    after: ['If it was not you, ignore this email & "relax".'],
  });

  it('writes the plain text with the link on its own line', () => {
    expect(mail.text).toBe(
      [
        'Someone asked to reset the password of <b>you@example.com</b>.',
        'Line one\nline two',
        `Reset your password:\n${LINK}`,
        'If it was not you, ignore this email & "relax".',
      ].join('\n\n'),
    );
  });

  it('writes HTML with every paragraph escaped and one real link', () => {
    expect(mail.html).toContain(
      '<p>Someone asked to reset the password of &lt;b&gt;you@example.com&lt;/b&gt;.</p>',
    );
    expect(mail.html).toContain('<p>Line one<br>line two</p>');
    expect(mail.html).toContain(`<a href="${LINK}" style="font-weight: 600;">Reset your password</a>`);
    expect(mail.html).toContain('<p>If it was not you, ignore this email &amp; &quot;relax&quot;.</p>');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html.match(/<a /g)).toHaveLength(1);
  });

  it('escapes the link and its label too', () => {
    const { html } = composeMail({
      paragraphs: [],
      action: { label: '<img src=x onerror=alert(1)>', url: 'https://auth.example.com/r?a=1&b="2"' },
    });
    expect(html).toContain('href="https://auth.example.com/r?a=1&amp;b=%222%22"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;</a>');
    expect(html).not.toContain('<img');
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', 'mailto:x@example.com', '/relative/path'])(
    'refuses a call-to-action link that is not an absolute http(s) URL: %s',
    (url) => {
      expect(() => composeMail({ paragraphs: ['x'], action: { label: 'Go', url } })).toThrow();
    },
  );

  it('puts a closing link last, after the closing paragraphs, in both bodies', () => {
    const CANCEL = 'https://auth.example.com/account-recovery/cancel/tok';
    const two = composeMail({
      paragraphs: ['p'],
      action: { label: 'Complete', url: LINK },
      after: ['If it was not you:'],
      closingAction: { label: 'Cancel recovery', url: CANCEL },
    });
    expect(two.text).toBe(
      ['p', `Complete:\n${LINK}`, 'If it was not you:', `Cancel recovery:\n${CANCEL}`].join('\n\n'),
    );
    expect(two.html.indexOf('If it was not you:')).toBeLessThan(two.html.indexOf('>Cancel recovery</a>'));
    expect(two.html).toContain(`<a href="${CANCEL}" style="font-weight: 600;">Cancel recovery</a>`);
  });

  it('refuses a closing link that is not an absolute http(s) URL', () => {
    expect(() =>
      composeMail({
        paragraphs: [],
        action: { label: 'Go', url: LINK },
        closingAction: { label: 'x', url: 'javascript:1' },
      }),
    ).toThrow();
  });
});
