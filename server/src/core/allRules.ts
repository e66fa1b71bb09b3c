// Every module that defines rules, imported for its side effect of registering them, so that `allRules()` is
// complete for SARIF, the README's rule table and the rule-table test. A new module of rules adds its line here.
import './rules';
import './manifest';
import './checks';
import './payloadValidation';
import './payloadChecks';
import './nesting';
import './documentSize';
import './diagnoseApp';
import './requestTemplates';
import './configRules';
import './manifestRules';
import './lintRules';

export { allRules, ruleOf } from './rules';
