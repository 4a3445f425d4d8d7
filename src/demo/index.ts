/**
 * The demo module's door: loading the demo partnerships and their accounts into a register.
 * Other modules import only this file.
 */
export { demoAccountCreator, isRegisterEmpty, loadDemo } from './demo.loader.ts';
