/**
 * WeChat mini-program runtime simulator for tests — public entry point.
 * Each module's header says which documented WeChat behaviour it follows.
 */
export { createRuntime, disposeAllRuntimes, type Runtime, type RuntimeOptions } from './runtime';
export { SimProcess, DEFAULT_HOME, type SimWx, type RouteApi, type RouteOptions, type UncaughtError } from './process';
export { SimStorage, WxSyncError, ONE_MB, type StorageApi, type StorageCall, type StorageCounters, type StorageFaultPredicate, type StorageLimits } from './storage';
export { SimNetwork, type NetworkApi, type NetworkStatus } from './network';
export { SINGLE_PAGE_SCENE, SINGLE_PAGE_DISABLED, SINGLE_PAGE_TOAST, isIndependent, subpackagePages, type IndependentOptions, type SinglePageApis } from './subpackages';
export { NativeFlows, FLOW_APIS, type FlowApi, type FlowCall, type NativeFlowOptions } from './native-flows';
export {
  RequestStats,
  pendingRequests,
  registerStallSource,
  unansweredRequests,
  ERR_INTERRUPTED,
  ERR_OFFLINE,
  ERR_DOMAIN,
  ERR_SUSPENDED,
  type HeadersReceived,
  type RequestOptions,
  type RequestRecord,
  type RequestSuccess,
  type RequestTask,
} from './request';
export { resolveDevice, type AccountOptions, type DeviceApi, type DeviceOptions, type DeviceProfile } from './device';
export { AppHost, formatError, type AppEventApi, type PageNotFoundInfo, type UnhandledRejectionInfo } from './app';
export { PageRuntime, type PageDefinition, type PageKind, type SimPage } from './pages';
export { Router, MAX_STACK } from './router';
export { mp, installGlobals, GLOBAL_NAMES, type AppOptions, type ComponentOptions, type PageOptions, type GlobalName } from './globals';
export { parseQuery, resolveUrl, parseDataPath, setDataPath } from './util';
export type {
  AppConfig,
  Callbacks,
  Dict,
  EnterOptions,
  ErrMsgResult,
  NetworkType,
  Query,
  ReferrerInfo,
  StartOptions,
  TabBarItem,
} from './types';
