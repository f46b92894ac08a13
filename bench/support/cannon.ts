/**
 * Runs one autocannon load in its own process and prints its result as JSON: the load generator must not share the
 * event loop (or the core) of the local cloud it measures. Usage: `cannon.ts '<options as JSON>'`.
 */
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}') as autocannon.Options;
const result = await autocannon(options);
process.stdout.write(JSON.stringify(result));
