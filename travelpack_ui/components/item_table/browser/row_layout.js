// Which layout fits the screen, and which row is open. Under 600 px (a phone held upright) rows are one line each,
// so that a list packs with thumbs and ten items fit on a screen; a tap on a row opens its editors below it, one
// row at a time, as a phone's list apps do, and search and filters wait behind a button until wanted (or in use).
// Wider screens keep every editor on the row's line. A mixin of the table: the rows get `compact` and `open` as
// props, so a width change re-renders them once, not on every resize.

export const PHONE_QUERY = "(max-width: 599px)";

export const rowLayout = {
  data() {
    return { compact: window.matchMedia(PHONE_QUERY).matches, openId: null, filtersOpen: false };
  },
  computed: {
    filtersShown() {
      const inUse = this.searchText || this.bagFilter || this.travelerFilter || this.unpackedOnly;
      return !this.compact || this.filtersOpen || !!inUse;
    },
  },
  mounted() {
    this.phoneQuery = window.matchMedia(PHONE_QUERY);
    this.onPhoneQuery = (e) => (this.compact = e.matches);
    this.phoneQuery.addEventListener("change", this.onPhoneQuery);
  },
  unmounted() {
    this.phoneQuery.removeEventListener("change", this.onPhoneQuery);
  },
  methods: {
    onOpenRow(id) {
      this.openId = this.openId === id ? null : id;
    },
  },
};
