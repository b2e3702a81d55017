/** A KIP-848 member process (for SIGKILL tests): argv bootstrap groupId topic; prints DriverEvents as JSON lines. */
import { Kip848Driver } from './kip848-driver.js';

const [bootstrap, groupId, topic] = process.argv.slice(2) as [string, string, string];
const driver = await Kip848Driver.connect({ bootstrap, groupId, topic, onEvent: (e) => process.stdout.write(JSON.stringify(e) + '\n') });
process.on('SIGTERM', () => {
  void driver.leave().finally(() => process.exit(0));
});
await driver.run(120_000);
driver.close();
