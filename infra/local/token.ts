import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { isUnitCode } from '../../shared/domain/units';
import { LocalAuth } from './local-auth';

/** `npm run token -- --unit 110000` or `--staff`: mints an ID token the running local cloud accepts. */
const { values } = parseArgs({ options: { unit: { type: 'string' }, staff: { type: 'boolean' } } });
const auth = new LocalAuth(join(process.env.LOCAL_DATA_DIR ?? '.local', 'signing-key'));
if (values.staff) {
  console.log(await auth.mint({ staff: true }));
} else if (values.unit && isUnitCode(values.unit)) {
  console.log(await auth.mint({ unit: values.unit }));
} else {
  console.error('Usage: npm run token -- --staff | --unit <6-digit unit code, e.g. 110000>');
  process.exit(2);
}
