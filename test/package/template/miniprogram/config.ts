// Where events go. The packed-tarball test puts its loopback collector here.
export const SERVER_URL = 'https://collect.example.com/v1/batch';
