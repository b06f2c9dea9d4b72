/// <reference types="miniprogram-api-typings" />

interface IAppOption {
  globalData: {
    userId?: string;
  };
}
