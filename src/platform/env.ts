/**
 * The build the mini-program runs as, for the development-only entry (`wetrack/plan`): 'develop'
 * (DevTools, a preview), 'trial' or 'release', from wx.getAccountInfoSync().miniProgram.envVersion
 * (base library 2.2.2+, D/api/open-api/account-info/wx.getAccountInfoSync.html). Undefined where there
 * is no wx. Not used by the main bundle.
 */
declare const wx: { getAccountInfoSync(): { miniProgram: { envVersion: string } } };

export function appEnv(): string | undefined {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch (e) {
    return undefined;
  }
}
