import wetrack from '../../plan';

// A page built with Component, wrapped explicitly.
Component(
  wetrack.component({
    data: { code: '' },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        const code = query.code || '';
        this.setData({ code });
        wetrack.track('view_product', { product_code: code, price: 12.9 });
      },
    },
  }),
);
