'use strict';
const { appOf, isAppFile } = require('../app');

/**
 * The host of a URL-like string, as Node's legacy URL parser finds it: after `<scheme>://` (or `<scheme>:` and a
 * user part, `mailto:a@b.com`), lower-cased; undefined when the string names no host.
 */
function hostOf(text) {
  const m = /^[a-z][a-z0-9+.-]*:(\/\/)?([^\s]*)$/i.exec(text.trim());
  if (!m) return undefined;
  let rest = m[2];
  if (!m[1] && !rest.includes('@')) return undefined;
  rest = rest.split(/[/?#]/)[0];
  rest = rest.slice(rest.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  return rest ? rest.toLowerCase() : undefined;
}

/** A fully qualified domain name: labels of letters, digits and hyphens, a top-level domain of letters. */
function isFqdn(host) {
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1];
  if (!/^(?:[a-z\u00a1-\uffff]{2,}|xn--[a-z0-9-]{2,})$/i.test(tld)) return false;
  return labels.every((l) => l.length > 0 && l.length <= 63 && /^[a-z\u00a1-\uffff0-9-]+$/i.test(l) && !l.startsWith('-') && !l.endsWith('-'));
}

/** fdk's pattern for a whitelisted domain: the first `*` stands for letters, digits and hyphens; unanchored. */
function listedBy(domain) {
  const escaped = domain.replace('*', '\u0000').replace(/[.+?^${}()|[\]\\/-]/g, '\\$&').replace(/\*/g, '.*').replace('\u0000', '[a-z0-9-]*');
  return new RegExp(escaped);
}

/**
 * fdk's `no-unlisted-url`, for front-end files of apps on platform 2.2 and lower (2.3 and 3.0 replaced
 * whitelisted-domains by request templates): a URL string whose host the manifest does not whitelist.
 */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow URLs whose domain the manifest does not list in whitelisted-domains' },
    schema: [],
    messages: { unlisted: '"{{url}}" is not whitelisted in manifest.' },
  },
  create(context) {
    const app = appOf(context);
    if (!isAppFile(app.file)) return {};
    const version = parseFloat(app.platformVersion ?? '');
    if (version > 2.2) return {};
    const patterns = app.whitelistedDomains.map(listedBy);
    return {
      Literal(node) {
        if (typeof node.value !== 'string') return;
        const host = hostOf(node.value);
        if (!host || !isFqdn(host)) return;
        if (patterns.some((p) => p.test(node.value))) return;
        context.report({ node, messageId: 'unlisted', data: { url: node.value } });
      },
    };
  },
};
