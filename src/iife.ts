// plume.iife.js: the script-tag build. Loaded by the snippet (or a plain <script async>),
// it takes over window.plume and starts the SDK.
import { takeOver } from './loader/runtime.js';

takeOver();
