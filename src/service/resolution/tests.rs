use super::*;

fn link(rel: &str, media_type: &'static str, hreflang: Option<&'static str>) -> Link {
    Link {
        rel: gs1(rel),
        href: format!("https://x.test/{rel}/{media_type}/{hreflang:?}"),
        title: rel.into(),
        media_type,
        hreflang,
    }
}

#[test]
fn link_types_are_read_as_curies_or_either_gs1_namespace() {
    for value in [
        "gs1:pip",
        "https://gs1.org/voc/pip",
        "https://ref.gs1.org/voc/pip",
        "https://www.gs1.org/voc/pip",
    ] {
        assert_eq!(link_type(value).as_deref(), Some("https://gs1.org/voc/pip"));
    }
    for value in ["pip", "gs1:", "schema:url", "gs1:p/ip", "linkset"] {
        assert_eq!(link_type(value), None, "{value}");
    }
}

#[test]
fn a_link_is_chosen_by_language_then_by_media_type() {
    let links = vec![
        link("certificationInfo", "text/html", Some("it")),
        link("certificationInfo", "text/html", Some("en")),
        link("certificationInfo", "application/json", None),
        link("pip", "text/html", Some("it")),
        link("pip", "text/html", Some("en")),
    ];
    let rel = gs1("pip");
    assert_eq!(choose(&links, &rel, "en", None), Choice::One(&links[4]));
    let rel = gs1("certificationInfo");
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    assert_eq!(
        choose(&links, &rel, "it", Some(browser)),
        Choice::One(&links[0])
    );
    assert_eq!(
        choose(&links, &rel, "it", Some("application/json")),
        Choice::One(&links[2])
    );
    // Nothing tells the page from the bundle: the client chooses.
    assert_eq!(
        choose(&links, &rel, "it", Some("*/*")),
        Choice::Many(vec![&links[0], &links[2]])
    );
    assert_eq!(
        choose(&links, &rel, "it", None),
        Choice::Many(vec![&links[0], &links[2]])
    );
    assert_eq!(choose(&links, &gs1("epil"), "it", None), Choice::None);
}

#[test]
fn a_linkset_groups_links_by_type_under_the_anchor() {
    let links = vec![
        link("pip", "text/html", Some("it")),
        link("pip", "text/html", Some("en")),
        link("certificationInfo", "application/json", None),
    ];
    let set = linkset("https://x.test/01/08012345678907", "Biscotti", &links);
    let context = &set["linkset"][0];
    assert_eq!(context["anchor"], "https://x.test/01/08012345678907");
    assert_eq!(context["itemDescription"], "Biscotti");
    assert_eq!(
        context["https://gs1.org/voc/pip"][1]["hreflang"],
        json!(["en"])
    );
    assert_eq!(
        context["https://gs1.org/voc/certificationInfo"][0],
        json!({"href": links[2].href, "title": "certificationInfo", "type": "application/json"})
    );
}
