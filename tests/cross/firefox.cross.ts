import { crossScenario } from './scenario';
import { openFirefox } from './firefox';

crossScenario(openFirefox, { storage: 'blob', restart: true });
