import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isUnitCode } from '../../shared/domain/units';
import { LocalAuth } from './local-auth';

/**
 * `npm run token -- --unit 110000`, `--staff` or `--host 1` (`--host 1,4`: a host of several classes): mints an ID
 * token the running local cloud accepts.
 */
const usage =
  'Usage: npm run token -- --staff | --unit <6-digit unit code, e.g. 110000> | --host <class[,class…], e.g. 1,4>';
let values: { unit?: string; staff?: boolean; host?: string };
try {
  ({ values } = parseArgs({
    options: { unit: { type: 'string' }, staff: { type: 'boolean' }, host: { type: 'string' } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const classes = values.host?.split(',').map((part) => part.trim());
const auth = new LocalAuth(join(process.env.LOCAL_DATA_DIR ?? '.local', 'signing-key'));
if (values.staff) {
  console.log(await auth.mint({ staff: true }));
} else if (values.unit && isUnitCode(values.unit)) {
  console.log(await auth.mint({ unit: values.unit }));
} else if (classes?.length && classes.every((part) => /^[1-9]\d?$/.test(part))) {
  console.log(await auth.mint({ host: classes.map(Number) }));
} else {
  console.error(usage);
  process.exit(2);
}
