import wetrack from 'wetrack';

/** The app's tracking plan: the default instance is typed with it everywhere. */
export interface ShopPlan {
  view_product: { product_code: string; price: number };
  add_to_cart: { product_code: string; price: number; quantity: number };
}

declare module 'wetrack' {
  interface TrackingPlan extends ShopPlan {}
}

export default wetrack;
