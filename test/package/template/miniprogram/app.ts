import wetrack from 'wetrack';
import { SERVER_URL } from './config';

// Before App() and before any page file runs: the global Page and Component are wrapped from here on.
wetrack.init({ serverUrl: SERVER_URL, appVersion: '1.0.0', batchSize: 5 });

App<IAppOption>(
  wetrack.app<IAppOption>({
    globalData: {},
    onLaunch() {
      this.globalData.userId = 'u-1';
    },
  }),
);
