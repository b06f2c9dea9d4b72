/**
 * The shop's catalogue of virtual goods. A real app loads it from its server; here it is local so
 * that the example runs without a backend. `fetch*` return Promises like a request would.
 */
const CATEGORIES = [
  { id: 'assets', name: '设计素材' },
  { id: 'templates', name: '文案模板' },
  { id: 'courses', name: '在线课程' },
  { id: 'members', name: '会员权益' },
];

const COLORS = ['#f4a261', '#2a9d8f', '#e76f51', '#264653', '#8ab17d', '#e9c46a'];

const NAMES = {
  assets: ['动态插画素材包', 'LUTs 调色预设', '高清无版权图库包', 'Photoshop 笔刷合集', '3D 图标素材', '手绘纹理包', '电商海报 PSD', '节日贴纸套装', '渐变配色卡', '字体搭配手册', 'UI 组件套件', '短视频转场包'],
  templates: ['营销文案模板', '公众号排版模板', '小红书笔记模板', '直播话术脚本', '活动策划方案', '周报月报模板', '简历模板套装', '产品发布稿', '社群运营 SOP', '朋友圈文案 100 条', '招聘 JD 模板', '短信营销模板'],
  courses: ['视频剪辑入门', 'Excel 数据透视', 'Python 办公自动化', '摄影构图 21 讲', '私域运营实战', '插画零基础', 'Figma 设计课', '直播带货训练营', '写作变现课', 'PPT 高手之路', '手机摄影课', '英语口语 30 天'],
  members: ['月度会员', '季度会员', '年度会员', '素材下载加油包', '课程畅学卡', '模板无限卡', '团队版席位', '超级会员体验卡', '学生会员', '企业会员', '会员续费包', '双人会员'],
};

const PRODUCTS = [];
CATEGORIES.forEach((c, ci) => {
  NAMES[c.id].forEach((title, i) => {
    const n = ci * 100 + i + 101;
    PRODUCTS.push({
      code: 'VG-' + n,
      title,
      category: c.id,
      price: Math.round((9.9 + ((n * 37) % 90) + (i % 3) * 0.5) * 10) / 10,
      color: COLORS[(ci + i) % COLORS.length],
      sales: (n * 131) % 5000,
    });
  });
});

const BY_CODE = {};
PRODUCTS.forEach((p) => (BY_CODE[p.code] = p));

const BANNERS = [
  { id: 'b1', title: '新人专享 · 素材包 5 折', code: 'VG-101', color: '#e76f51' },
  { id: 'b2', title: '会员年卡 · 限时特惠', code: 'VG-403', color: '#264653' },
  { id: 'b3', title: '爆款课程 · 视频剪辑入门', code: 'VG-301', color: '#2a9d8f' },
];

const RECOMMENDED = ['VG-102', 'VG-202', 'VG-103', 'VG-305', 'VG-201', 'VG-110', 'VG-402', 'VG-309'];

const resolved = (v) => Promise.resolve(JSON.parse(JSON.stringify(v)));

module.exports = {
  categories: () => CATEGORIES.slice(),
  banners: () => resolved(BANNERS),
  recommendations: () => resolved(RECOMMENDED.map((code) => BY_CODE[code])),
  product: (code) => BY_CODE[code],
  fetchProduct: (code) => resolved(BY_CODE[code] || null),
  /** One page of a category, `size` items from page 1 on: { items, hasMore }. */
  fetchPage(category, page, size) {
    const all = PRODUCTS.filter((p) => p.category === category);
    const items = all.slice((page - 1) * size, page * size);
    return resolved({ items, hasMore: page * size < all.length });
  },
};
