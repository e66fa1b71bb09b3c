// The simulator panel's "Test iparams" box, guided by the app's config/iparams.json: what each installation
// parameter is (type, display name, default, required, secure), the box's first text (each key with its default
// or a placeholder of its type), the problems of what is typed (a required value empty, a wrong type), and the
// iparams a failed run lacked. Pure: the panel's script and the extension both use it.

export interface IparamDef {
  name: string;
  /** The iparams.json `type` as written (text, number, dropdown, checkbox, multiselect, radio, paragraph, date,
   *  email, phone_number, url, password, api_key, domain); `text` when absent. */
  type: string;
  displayName?: string;
  required: boolean;
  secure: boolean;
  defaultValue?: unknown;
  /** The choices of a dropdown, radio or multiselect. */
  options?: unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parameters of a parsed config/iparams.json (an object of name → definition); anything else has none. */
export function iparamDefs(value: unknown): IparamDef[] {
  if (!isObject(value)) return [];
  return Object.entries(value).filter(([, d]) => isObject(d)).map(([name, d]) => {
    const def = d as Record<string, unknown>;
    const type = typeof def.type === 'string' ? def.type : 'text';
    return {
      name, type,
      ...(typeof def.display_name === 'string' ? { displayName: def.display_name } : {}),
      required: def.required === true,
      // Passwords and API keys are secure on the platform whatever `secure` says.
      secure: def.secure === true || type === 'password' || type === 'api_key',
      ...(def.default_value !== undefined ? { defaultValue: def.default_value } : {}),
      ...(Array.isArray(def.options) ? { options: def.options } : {}),
    };
  });
}

/** A value of the parameter's type to start from: its default, else an empty value of its type. */
function placeholder(d: IparamDef): unknown {
  if (d.defaultValue !== undefined) return d.defaultValue;
  switch (d.type) {
    case 'number': return 0;
    case 'checkbox': return false;
    case 'multiselect': return [];
    default: return '';
  }
}

/** The box's first text: a JSON object with every parameter, in iparams.json's order. */
export function iparamsTemplate(defs: IparamDef[]): string {
  return `${JSON.stringify(Object.fromEntries(defs.map((d) => [d.name, placeholder(d)])), null, 2)}\n`;
}

/** One line per parameter for the box's guide: `apiKey — API key · api_key · required · secure`. */
export function describeIparam(d: IparamDef): string {
  return [d.name + (d.displayName ? ` — ${d.displayName}` : ''), d.type, d.required ? 'required' : 'optional', ...(d.secure ? ['secure'] : []),
    ...(d.defaultValue !== undefined ? [`default ${JSON.stringify(d.defaultValue)}`] : [])].join(' · ');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** What is wrong with one parameter's value, if anything. */
function problemOf(d: IparamDef, v: unknown): string | undefined {
  const label = d.displayName ? `${d.name} (${d.displayName})` : d.name;
  if (empty(v)) return d.required ? `${label} is required and has no value.` : undefined;
  const choices = d.options?.map((o) => (isObject(o) && 'value' in o ? o.value : o));
  switch (d.type) {
    case 'number':
      return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) ? undefined : `${label} must be a number.`;
    case 'checkbox':
      return typeof v === 'boolean' ? undefined : `${label} must be true or false.`;
    case 'multiselect':
      if (!Array.isArray(v)) return `${label} must be an array of choices.`;
      return choices && v.some((x) => !choices.includes(x)) ? `${label} takes only ${choices.map((c) => JSON.stringify(c)).join(', ')}.` : undefined;
    case 'dropdown':
    case 'radio':
      return choices && !choices.includes(v) ? `${label} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}.` : undefined;
    default:
      if (typeof v !== 'string') return `${label} must be a string.`;
      if (d.type === 'email' && !EMAIL.test(v)) return `${label} must be an email address.`;
      if (d.type === 'url' && !/^https?:\/\/\S+$/.test(v)) return `${label} must be a URL (https://…).`;
      return undefined;
  }
}

/** The problems of the box's text: not JSON, not an object, a required value empty, a value of the wrong type. */
export function checkIparams(defs: IparamDef[], text: string): string[] {
  let value: unknown;
  try { value = JSON.parse(text); } catch (e) { return [`Not valid JSON: ${(e as Error).message}`]; }
  if (!isObject(value)) return ['Test iparams must be a JSON object.'];
  const obj = value;
  return defs.map((d) => problemOf(d, obj[d.name])).filter((p): p is string => p !== undefined);
}

/**
 * The iparams a run lacked, by what its logs and error say: `<%= iparam.apiKey %> has no value` (a request
 * template) or `This run's iparams have no 'apiKey'` (the explanation of a failed line that reads iparams).
 */
export function missingIparams(texts: string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/<%=\s*iparams?\.([A-Za-z_$][\w$]*)\s*%> has no value/g)) out.add(m[1]);
    for (const m of t.matchAll(/iparams have no '([^']+)'/g)) out.add(m[1]);
  }
  return [...out];
}
