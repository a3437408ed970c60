// The page of test/browser/sourcemaps.spec.ts, bundled with Plume and the small app of
// test/edge/symbolicate/app by esbuild --minify --sourcemap (the maps kept private by
// plume/build). throwLater() throws from the app's innermost function, uncaught.
import { init } from 'plume';
import { runBroken } from '../../edge/symbolicate/app/main.js';

const q = new URLSearchParams(location.search);
const plume = init({ endpoint: q.get('collector'), serviceName: 'sourcemaps-web' });
window.throwLater = () => setTimeout(() => { runBroken(); }); // CALL runBroken
window.flushPlume = () => plume.flush();
