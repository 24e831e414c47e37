//! Pagination links that keep the list's filters.

pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base_query` is the list's filter query string without `page`.
    pub fn new<T>(p: &store::Page<T>, path: &str, base_query: &str) -> Pager {
        let pages = p.pages();
        let link = |n: u64| {
            if base_query.is_empty() {
                format!("{path}?page={n}")
            } else {
                format!("{path}?{base_query}&page={n}")
            }
        };
        Pager {
            page: p.page,
            pages,
            total: p.total,
            prev: (p.page > 1).then(|| link(p.page - 1)),
            next: (p.page < pages).then(|| link(p.page + 1)),
        }
    }
}
